import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { CodeEditor, InlineField, RadioButtonGroup, Stack } from '@grafana/ui';
import { useCallback } from 'react';

import type { OrgscopeDataSource } from '../datasource.js';
import type { OrgscopeOptions, OrgscopeQuery, QueryFormat } from '../types.js';
import { MacroReference } from './MacroReference.js';
import { ScopeLine } from './ScopeLine.js';

type Props = QueryEditorProps<OrgscopeDataSource, OrgscopeQuery, OrgscopeOptions>;

const FORMATS: Array<SelectableValue<QueryFormat>> = [
  { label: 'Table', value: 'table' },
  { label: 'Time series', value: 'time_series' },
];

export function QueryEditor({ query, onChange, onRunQuery, datasource }: Props) {
  const whoami = useCallback(() => datasource.whoami(), [datasource]);

  const onSqlChange = (rawSql: string) => {
    if (rawSql !== query.rawSql) {
      onChange({ ...query, rawSql });
      onRunQuery();
    }
  };
  const onFormatChange = (format: QueryFormat) => {
    onChange({ ...query, format });
    onRunQuery();
  };

  return (
    <Stack direction="column" gap={1}>
      <ScopeLine whoami={whoami} />
      <CodeEditor
        language="sql"
        value={query.rawSql ?? ''}
        height={200}
        showLineNumbers
        showMiniMap={false}
        onBlur={onSqlChange}
        onSave={onSqlChange}
      />
      <InlineField label="Format" labelWidth={12}>
        <RadioButtonGroup options={FORMATS} value={query.format ?? 'table'} onChange={onFormatChange} />
      </InlineField>
      <MacroReference />
    </Stack>
  );
}
