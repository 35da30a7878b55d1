export const load = (form, data) => {
  form.querySelector('[name="url"]').value = data.url || '';
}

export const save = (form) => {
  return {url: form.querySelector('[name="url"]').value.trim()};
}
