import type { QueryEditorProps } from '@grafana/data';
import { describe, expect, it } from '@jest/globals';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { OrgscopeDataSource } from '../datasource.js';
import type { OrgscopeOptions, OrgscopeQuery, Whoami } from '../types.js';
import { QueryEditor } from './QueryEditor.js';

// Monaco does not run in jsdom: a plain text area stands in for the SQL code editor. The global `jest` is
// used here because swc hoists jest.mock() above the imports only for the global.
jest.mock('@grafana/ui', () => {
  const actual = jest.requireActual<typeof import('@grafana/ui')>('@grafana/ui');
  const CodeEditorStandIn = ({ value, onBlur }: { value: string; onBlur?: (text: string) => void }) => (
    <textarea aria-label="SQL" defaultValue={value} onBlur={(event) => onBlur?.(event.currentTarget.value)} />
  );
  return { ...actual, CodeEditor: CodeEditorStandIn };
});

type Props = QueryEditorProps<OrgscopeDataSource, OrgscopeQuery, OrgscopeOptions>;

const regionEast: Whoami = {
  viewer: { login: 'east.manager', kind: 'user' },
  mapped: true,
  scope: {
    coversAll: false,
    storeCount: 42,
    roots: [{ code: 'EAST', name: 'Region East', kind: 'region' }],
    summary: 'Region East, 42 stores',
    roles: ['region_manager'],
    permissions: { seeRows: true, seeContacts: false, admin: false, receiveReports: true },
  },
};

function renderEditor(whoami: () => Promise<Whoami>, query: Partial<OrgscopeQuery> = {}) {
  const onChange = jest.fn<Props['onChange']>();
  const onRunQuery = jest.fn<Props['onRunQuery']>();
  const datasource = { whoami } as unknown as OrgscopeDataSource;
  const props = {
    datasource,
    query: { refId: 'A', rawSql: 'SELECT 1', format: 'table', ...query },
    onChange,
    onRunQuery,
  } as unknown as Props;
  render(<QueryEditor {...props} />);
  return { onChange, onRunQuery };
}

describe('QueryEditor', () => {
  it("says whose scope the editor's results come from", async () => {
    renderEditor(async () => regionEast);

    expect(await screen.findByText('You see: Region East, 42 stores')).toBeInTheDocument();
  });

  it('tells an unmapped editor that they see no rows and whom to ask', async () => {
    renderEditor(async () => ({ ...regionEast, mapped: false, message: 'Ask admin@orgscope.example.' }));

    expect(
      await screen.findByText(/you are not mapped to any org unit\. Ask admin@orgscope\.example\./),
    ).toBeInTheDocument();
  });

  it('changes the format and runs the query', async () => {
    const { onChange, onRunQuery } = renderEditor(async () => regionEast);
    await screen.findByText('You see: Region East, 42 stores');

    await userEvent.click(screen.getByLabelText('Time series'));

    expect(onChange).toHaveBeenCalledWith(expect.objectContaining({ format: 'time_series', rawSql: 'SELECT 1' }));
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('keeps the SQL typed into the editor', async () => {
    const { onChange } = renderEditor(async () => regionEast, { rawSql: '' });
    await screen.findByText('You see: Region East, 42 stores');

    await userEvent.type(screen.getByLabelText('SQL'), 'SELECT count(*) FROM survey_responses');
    await userEvent.tab();

    expect(onChange).toHaveBeenCalledWith(expect.objectContaining({ rawSql: 'SELECT count(*) FROM survey_responses' }));
  });

  it('opens the macro reference on demand', async () => {
    renderEditor(async () => regionEast);
    await screen.findByText('You see: Region East, 42 stores');

    expect(screen.queryByText('$__timeFilter(column)')).not.toBeInTheDocument();
    await userEvent.click(screen.getByText('Macros and tables'));

    expect(screen.getByText('$__timeFilter(column)')).toBeInTheDocument();
  });
});
