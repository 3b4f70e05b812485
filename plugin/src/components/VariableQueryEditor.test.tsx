import { describe, expect, it } from '@jest/globals';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { OrgscopeDataSource } from '../datasource.js';
import type { OrgscopeVariableQuery } from '../types.js';
import { VariableQueryEditor } from './VariableQueryEditor.js';

// Monaco does not run in jsdom: a plain text area stands in for the SQL code editor (global `jest`:
// swc hoists jest.mock() above the imports only for the global).
jest.mock('@grafana/ui', () => {
  const actual = jest.requireActual<typeof import('@grafana/ui')>('@grafana/ui');
  const CodeEditorStandIn = ({ value, onBlur }: { value: string; onBlur?: (text: string) => void }) => (
    <textarea aria-label="SQL" defaultValue={value} onBlur={(event) => onBlur?.(event.currentTarget.value)} />
  );
  return { ...actual, CodeEditor: CodeEditorStandIn };
});

const storeManager = {
  viewer: { login: 'store.sh001', kind: 'user' },
  mapped: true,
  scope: {
    coversAll: false,
    storeCount: 1,
    roots: [{ code: 'SH001', name: 'Shanghai Nanjing Rd', kind: 'store' }],
    summary: 'Shanghai Nanjing Rd, 1 store',
    roles: ['store_manager'],
    permissions: { seeRows: true, seeContacts: true, admin: false, receiveReports: true },
  },
};

describe('VariableQueryEditor', () => {
  it('saves the SQL as the query and as its definition', async () => {
    const onChange = jest.fn<(query: OrgscopeVariableQuery, definition: string) => void>();
    const datasource = { whoami: async () => storeManager } as unknown as OrgscopeDataSource;
    render(<VariableQueryEditor query={{ rawSql: '' }} onChange={onChange} datasource={datasource} />);

    const sql = "SELECT name AS __text, code AS __value FROM org_units WHERE kind = 'store'";
    await userEvent.type(screen.getByLabelText('SQL'), sql);
    await userEvent.tab();

    expect(onChange).toHaveBeenCalledWith({ refId: 'OrgscopeVariableQuery', rawSql: sql }, sql);
    expect(await screen.findByText('You see: Shanghai Nanjing Rd, 1 store')).toBeInTheDocument();
  });

  it('reads a variable saved as plain SQL text', async () => {
    const datasource = { whoami: async () => storeManager } as unknown as OrgscopeDataSource;
    render(
      <VariableQueryEditor query="SELECT code FROM org_units" onChange={() => undefined} datasource={datasource} />,
    );

    expect(screen.getByLabelText('SQL')).toHaveValue('SELECT code FROM org_units');
    await screen.findByText('You see: Shanghai Nanjing Rd, 1 store');
  });
});
