// Test files import describe/it/expect from @jest/globals. jest.mock() is called on the global `jest`
// because swc hoists it above the imports only there; this gives that global its type.
import type { jest as jestGlobal } from '@jest/globals';
import '@testing-library/jest-dom/jest-globals';

declare global {
  const jest: typeof jestGlobal;
}
