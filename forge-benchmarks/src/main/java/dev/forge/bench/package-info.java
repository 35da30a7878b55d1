/**
 * JMH benchmarks of Forge against raw Javet; run them as BENCHMARKS.md says.
 */
package dev.forge.bench;
