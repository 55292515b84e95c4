import assert from 'node:assert/strict';
import { test } from 'node:test';
import { discoveredTenants, nameCustomers } from '../../../src/config/customer-sources.ts';
import type { CustomerSource, TenantConfig } from '../../../src/config/types.ts';

const id = (n: number) => `${String(n).repeat(8)}-0000-4000-8000-000000000000`;

test('names are display names made valid; a name two customers or a configured tenant would share gets the id', () => {
  const customers = [
    { tenantId: id(1), displayName: 'Société Générale (FR)' },
    { tenantId: id(2), displayName: 'Contoso' },
    { tenantId: id(3), displayName: 'contoso' },
    { tenantId: id(4), displayName: '東京' },
    { tenantId: id(5), displayName: 'Fabrikam' },
    { tenantId: id(6), displayName: `  ${'x'.repeat(80)}` },
  ];
  assert.deepEqual(nameCustomers(customers, ['fabrikam']), [
    'Societe-Generale-FR',
    'Contoso-22222222',
    'contoso-33333333',
    'customer',
    'Fabrikam-55555555',
    'x'.repeat(55),
  ]);
  // The order in which Graph lists them changes no name.
  assert.deepEqual(
    nameCustomers([...customers].reverse(), ['fabrikam']).reverse(),
    nameCustomers(customers, ['fabrikam']),
  );
});

test('customers are polled with the partner settings in their own tenant; include, exclude and the configured are applied', () => {
  const partner = { name: 'tenants_from[0]', tenantId: id(9), clientId: id(8), intervalMs: 300_000 } as TenantConfig;
  const source: CustomerSource = { index: 0, partner, refreshMs: 1, include: ['*o*', id(7)], exclude: ['Fabrikam-*'] };
  const listed = [
    { tenantId: id(1), displayName: 'Contoso' },
    { tenantId: id(2), displayName: 'Fabrikam Europe' },
    { tenantId: id(3), displayName: 'Northwind' },
    { tenantId: id(4), displayName: 'Tailspin' },
    { tenantId: id(7), displayName: 'Adatum' },
    { tenantId: id(9), displayName: 'The partner itself' },
  ];
  const configured = [{ name: 'northwind-by-hand', tenantId: id(3).toUpperCase() } as TenantConfig];
  const tenants = discoveredTenants([source], configured, () => listed);
  assert.deepEqual(
    tenants.map((tenant) => [tenant.name, tenant.tenantId, tenant.clientId, tenant.intervalMs]),
    [
      ['Contoso', id(1), id(8), 300_000],
      ['Adatum', id(7), id(8), 300_000],
    ],
  );
  assert.deepEqual(
    discoveredTenants([source], [], () => undefined),
    [],
    'nothing before a list was read',
  );
});
