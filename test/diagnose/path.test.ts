import { describe, expect, it } from 'vitest';
import { parseHostPort, parsePodName } from '../../src/diagnose/path.js';

describe('target parsing', () => {
  it.each([
    ['frontend-6c9f7b5d4-x2kqp.shop', { name: 'frontend-6c9f7b5d4-x2kqp', namespace: 'shop' }],
    ['shop/frontend-6c9f7b5d4-x2kqp', { name: 'frontend-6c9f7b5d4-x2kqp', namespace: 'shop' }],
    ['pod/frontend-6c9f7b5d4-x2kqp', { name: 'frontend-6c9f7b5d4-x2kqp', namespace: 'default' }],
    ['frontend-6c9f7b5d4-x2kqp', { name: 'frontend-6c9f7b5d4-x2kqp', namespace: 'default' }],
  ])('pod %s', (ref, want) => {
    expect(parsePodName(ref, 'default')).toEqual(want);
  });

  it.each([
    ['cart', { host: 'cart' }],
    ['cart.shop:8080', { host: 'cart.shop', port: 8080 }],
    ['cart.shop.svc.cluster.local:80', { host: 'cart.shop.svc.cluster.local', port: 80 }],
    ['[fd00::1]:8080', { host: 'fd00::1', port: 8080 }],
  ])('host %s', (to, want) => {
    expect(parseHostPort(to)).toEqual(want);
  });
});
