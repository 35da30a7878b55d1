// The PIN line of site/voice.md: answer, welcome, collect 4 digits (two tries), then transfer or hang up.
async function main(data, ctx) {
  await ctx.answer();
  await ctx.play('ivr/welcome.wav');
  const pin = await ctx.ivr('ivr/enter-pin.wav', 5, 4, 4, '#', {tries: 2, invalid_file: 'ivr/invalid.wav'});
  if (pin.status === 'success' && pin.value === '1234') {
    await ctx.transfer('sip:sales@pbx.example');
    return {branch: 'sales', pin: pin};
  }
  await ctx.hangup();
  return {branch: 'goodbye', pin: pin};
}
