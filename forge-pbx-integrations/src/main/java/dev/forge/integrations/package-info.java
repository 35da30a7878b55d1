/**
 * The PBX integrations framework: {@code ongroup}, {@code onagent}, {@code oncdr}, {@code onhttp} (a later issue).
 */
package dev.forge.integrations;
