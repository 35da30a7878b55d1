// Forge's settings page driver. For each integration's form it imports the integration's front-end module,
// calls load(form, data) with the public settings (an object, never the secrets), and on submit posts what
// save(form) returns; the server splits [public, private] and keeps the old secret when the private part is
// empty. After a save the form is loaded again, so password fields are cleared.
//
// It also defines the custom elements of the PBX's user front end (pbx-input, pbx-button, ...), in their
// simplest form, so that user fragments written for the PBX work here. Each section's data-state tells a
// test (or a person) where it is: loading, loaded, saving, saved or error.

class PbxInput extends HTMLElement {
  static get observedAttributes() {
    return ['type', 'placeholder', 'value', 'disabled'];
  }

  constructor() {
    super();
    const root = this.attachShadow({mode: 'open'});
    this.input = document.createElement('input');
    this.input.setAttribute('part', 'input');
    root.appendChild(this.input);
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        const form = this.closest('form');
        if (form) form.requestSubmit();
      }
    });
  }

  connectedCallback() {
    this.sync();
  }

  attributeChangedCallback() {
    this.sync();
  }

  sync() {
    this.input.type = this.getAttribute('type') || 'text';
    this.input.placeholder = this.getAttribute('placeholder') || '';
    this.input.disabled = this.hasAttribute('disabled');
    if (this.hasAttribute('value') && !this.touched) this.input.value = this.getAttribute('value');
  }

  get value() {
    return this.input.value;
  }

  set value(v) {
    this.touched = true;
    this.input.value = v === undefined || v === null ? '' : String(v);
  }

  get name() {
    return this.getAttribute('name');
  }

  get type() {
    return this.getAttribute('type') || 'text';
  }

  focus() {
    this.input.focus();
  }
}

class PbxButton extends HTMLElement {
  constructor() {
    super();
    this.addEventListener('click', () => {
      if ((this.getAttribute('type') || '') === 'submit') {
        const form = this.closest('form');
        if (form) form.requestSubmit();
      }
    });
  }

  connectedCallback() {
    if (!this.hasAttribute('role')) this.setAttribute('role', 'button');
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
  }
}

class PbxBlock extends HTMLElement {
}

if (!customElements.get('pbx-input')) {
  customElements.define('pbx-input', PbxInput);
  customElements.define('pbx-button', PbxButton);
  for (const name of ['pbx-label', 'pbx-setting-wrapper', 'pbx-button-wrapper']) {
    customElements.define(name, class extends PbxBlock {});
  }
}

const configElement = document.getElementById('forge-integrations');
window.pbx = Object.freeze({integrations: Object.freeze(JSON.parse(configElement ? configElement.textContent : '{}'))});

function hasSubmit(form) {
  return form.querySelector('button[type="submit"], input[type="submit"], pbx-button[type="submit"]') !== null;
}

async function getSettings(form) {
  const response = await fetch(form.dataset.settings, {headers: {accept: 'application/json'}});
  if (!response.ok) throw new Error('HTTP ' + response.status + ': ' + (await response.text()));
  const data = await response.json();
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? data : {};
}

async function setUp(form) {
  const section = form.closest('section');
  const status = section.querySelector('.forge-status');
  const state = (value, text) => {
    section.dataset.state = value;
    status.textContent = text;
  };
  state('loading', 'Loading...');
  try {
    const module = await import(form.dataset.module);
    if (typeof module.load !== 'function' || typeof module.save !== 'function') {
      throw new Error('the front end must export load(form, data) and save(form)');
    }
    if (!hasSubmit(form)) {
      const button = document.createElement('button');
      button.type = 'submit';
      button.className = 'forge-save';
      button.textContent = 'Save';
      form.appendChild(button);
    }
    module.load(form, await getSettings(form));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      state('saving', 'Saving...');
      try {
        const saved = module.save(form);
        const response = await fetch(form.dataset.settings, {
          method: 'POST',
          headers: {'content-type': 'application/json'},
          body: JSON.stringify(saved === undefined ? null : saved)
        });
        if (!response.ok) throw new Error(await response.text());
        module.load(form, await getSettings(form));
        state('saved', 'Saved.');
      } catch (e) {
        state('error', 'Not saved: ' + e.message);
      }
    });
    state('loaded', '');
  } catch (e) {
    state('error', 'Could not load: ' + e.message);
  }
}

Promise.all(Array.from(document.querySelectorAll('form.forge-form'), setUp))
    .finally(() => document.body.dataset.ready = 'true');
