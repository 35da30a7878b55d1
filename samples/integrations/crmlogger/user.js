// The agent's name in the CRM, so that logged calls are assigned to them.
export const load = (form, data) => {
  form.querySelector('[name="crmuser"]').value = data.crmuser || '';
}

export const save = (form) => {
  return {crmuser: form.querySelector('[name="crmuser"]').value.trim()};
}
