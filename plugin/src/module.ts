import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor.js';
import { QueryEditor } from './components/QueryEditor.js';
import { VariableQueryEditor } from './components/VariableQueryEditor.js';
import { OrgscopeDataSource } from './datasource.js';
import type { OrgscopeOptions, OrgscopeQuery, OrgscopeSecureOptions } from './types.js';

export const plugin = new DataSourcePlugin<OrgscopeDataSource, OrgscopeQuery, OrgscopeOptions, OrgscopeSecureOptions>(
  OrgscopeDataSource,
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor)
  .setVariableQueryEditor(VariableQueryEditor);
