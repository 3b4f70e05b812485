/** The macros the distributor expands, as Grafana's PostgreSQL data source names them. */
export const MACROS: ReadonlyArray<{ macro: string; means: string }> = [
  { macro: '$__time(column)', means: 'column AS time' },
  { macro: '$__timeEpoch(column)', means: 'column as epoch seconds, AS time' },
  { macro: '$__timeFilter(column)', means: 'column BETWEEN the dashboard time range' },
  { macro: '$__timeFrom()', means: 'start of the time range, as a timestamp' },
  { macro: '$__timeTo()', means: 'end of the time range, as a timestamp' },
  {
    macro: '$__timeGroup(column, 5m[, fill])',
    means: 'column rounded down to intervals; fill NULL, previous or a number',
  },
  { macro: '$__timeGroupAlias(column, 5m)', means: 'the same, AS time' },
  { macro: '$__unixEpochFilter(column)', means: 'epoch-seconds column within the time range' },
  { macro: '$__unixEpochFrom()', means: 'start of the time range, in epoch seconds' },
  { macro: '$__unixEpochTo()', means: 'end of the time range, in epoch seconds' },
  { macro: '$__unixEpochNanoFilter(column)', means: 'epoch-nanoseconds column within the time range' },
  { macro: '$__unixEpochGroup(column, 5m[, fill])', means: 'epoch-seconds column rounded down to intervals' },
  { macro: '$__unixEpochGroupAlias(column, 5m)', means: 'the same, AS time' },
  { macro: '$__interval', means: 'the panel interval, e.g. 1h' },
  { macro: '$__interval_ms', means: 'the panel interval in milliseconds' },
];
