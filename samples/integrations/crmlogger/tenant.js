// The CRM address is public; the API key is secret: never loaded, kept when left empty.
export const load = (form, data) => {
  form.querySelector('[name="url"]').value = data.url || ''
  form.querySelector('[name="apikey"]').value = ''
}

export const save = (form) => {
  return [
    {url: form.querySelector('[name="url"]').value.trim()},
    form.querySelector('[name="apikey"]').value
  ]
}
