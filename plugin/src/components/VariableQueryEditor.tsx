import { CodeEditor, Field, Stack } from '@grafana/ui';
import { useCallback } from 'react';

import type { OrgscopeDataSource } from '../datasource.js';
import type { OrgscopeVariableQuery } from '../types.js';
import { ScopeLine } from './ScopeLine.js';

interface Props {
  query: OrgscopeVariableQuery | string;
  onChange: (query: OrgscopeVariableQuery, definition: string) => void;
  datasource: OrgscopeDataSource;
}

/** SQL of a query variable; its options are the rows the editing viewer may see. */
export function VariableQueryEditor({ query, onChange, datasource }: Props) {
  const rawSql = typeof query === 'string' ? query : (query?.rawSql ?? '');
  const whoami = useCallback(() => datasource.whoami(), [datasource]);

  const onSqlChange = (sql: string) => {
    if (sql !== rawSql) {
      onChange({ refId: 'OrgscopeVariableQuery', rawSql: sql }, sql);
    }
  };

  return (
    <Stack direction="column" gap={1}>
      <Field
        label="Query"
        description="The first column lists the options. Name two columns __text and __value to show one thing and use another, e.g. SELECT name AS __text, code AS __value FROM org_units WHERE kind = 'store'."
      >
        <CodeEditor
          language="sql"
          value={rawSql}
          height={120}
          showMiniMap={false}
          onBlur={onSqlChange}
          onSave={onSqlChange}
        />
      </Field>
      <ScopeLine whoami={whoami} />
    </Stack>
  );
}
