import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput } from '@grafana/ui';
import type { ChangeEvent } from 'react';

import type { OrgscopeOptions, OrgscopeSecureOptions } from '../types.js';

type Props = DataSourcePluginOptionsEditorProps<OrgscopeOptions, OrgscopeSecureOptions>;

export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;

  const onUrlChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, jsonData: { ...jsonData, distributorUrl: event.target.value.trim() } });
  };
  const onKeyChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, routeKey: event.target.value } });
  };
  const onKeyReset = () => {
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, routeKey: false },
      secureJsonData: { ...secureJsonData, routeKey: '' },
    });
  };

  return (
    <FieldSet label="Distributor">
      <Field
        label="Distributor URL"
        description="Where Grafana's server reaches the Orgscope distributor, e.g. http://distributor:3100. Every request goes through Grafana's data source proxy."
        required
      >
        <Input
          id="orgscope-distributor-url"
          value={jsonData.distributorUrl ?? ''}
          placeholder="http://distributor:3100"
          width={50}
          onChange={onUrlChange}
        />
      </Field>
      <Field
        label="Route key"
        description="The distributor's ROUTE_KEY. Grafana keeps it encrypted and adds it to every request as X-Orgscope-Key; browsers never see it."
        required
      >
        <SecretInput
          id="orgscope-route-key"
          isConfigured={Boolean(secureJsonFields?.routeKey)}
          value={secureJsonData?.routeKey ?? ''}
          placeholder="At least 24 random characters"
          width={50}
          onChange={onKeyChange}
          onReset={onKeyReset}
        />
      </Field>
    </FieldSet>
  );
}
