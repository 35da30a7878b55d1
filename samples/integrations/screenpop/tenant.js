export const load = (form, data) => {
  form.querySelector('[name="url"]').value = data.url || ''
  form.querySelector('[name="token"]').value = ''
}

export const save = (form) => {
  return [
    {url: form.querySelector('[name="url"]').value.trim()},
    {token: form.querySelector('[name="token"]').value}
  ]
}
