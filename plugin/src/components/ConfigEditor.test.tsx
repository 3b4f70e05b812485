import type { DataSourceSettings } from '@grafana/data';
import { describe, expect, it, jest } from '@jest/globals';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';

import type { OrgscopeOptions, OrgscopeSecureOptions } from '../types.js';
import { ConfigEditor } from './ConfigEditor.js';

type Settings = DataSourceSettings<OrgscopeOptions, OrgscopeSecureOptions>;

function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    id: 1,
    uid: 'orgscope',
    name: 'Orgscope',
    type: 'orgscope-orgscope-datasource',
    jsonData: {},
    secureJsonFields: {},
    ...overrides,
  } as Settings;
}

/** Holds the options as Grafana's data source settings page does, reporting every change. */
function renderEditor(initial: Settings) {
  const changes = jest.fn<(options: Settings) => void>();
  function Page() {
    const [options, setOptions] = useState(initial);
    const onOptionsChange = (next: Settings) => {
      changes(next);
      setOptions(next);
    };
    return <ConfigEditor options={options} onOptionsChange={onOptionsChange} />;
  }
  render(<Page />);
  return changes;
}

describe('ConfigEditor', () => {
  it('keeps the distributor address in jsonData', async () => {
    const changes = renderEditor(settings());

    await userEvent.type(screen.getByLabelText(/Distributor URL/), 'http://distributor:3100');

    expect(changes).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { distributorUrl: 'http://distributor:3100' } }),
    );
  });

  it('keeps the route key in secureJsonData only', async () => {
    const changes = renderEditor(settings());

    await userEvent.type(screen.getByLabelText(/Route key/), 'k'.repeat(30));

    const last = changes.mock.calls.at(-1)![0];
    expect(last.secureJsonData).toEqual({ routeKey: 'k'.repeat(30) });
    expect(JSON.stringify(last.jsonData)).not.toContain('kkk');
  });

  it('shows a saved key as configured, never its value, and lets it be reset', async () => {
    const changes = renderEditor(settings({ secureJsonFields: { routeKey: true } }));

    expect(screen.getByDisplayValue('configured')).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));

    expect(changes).toHaveBeenLastCalledWith(
      expect.objectContaining({ secureJsonFields: { routeKey: false }, secureJsonData: { routeKey: '' } }),
    );
    expect(screen.getByLabelText(/Route key/)).toBeEnabled();
  });
});
