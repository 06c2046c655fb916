import { describe, expect, it } from 'vitest';
import { addMoney, formatDate, formatMoney, humanize, productCount } from './format';
import { createStore, storage } from './store';
import { safeNext } from './url';
import { uuid } from './uuid';

describe('small helpers', () => {
  it('formats money from decimal strings without float arithmetic', () => {
    expect(formatMoney('19.99', 'EUR')).toMatch(/19[.,]99/);
    expect(formatMoney(null)).toBe('');
    expect(formatMoney('abc', 'EUR')).toBe('abc EUR');
    expect(formatMoney('5', 'NOPE')).toBe('5.00 NOPE');
  });

  it('formats dates and codes for people', () => {
    expect(formatDate('2024-05-01T10:00:00Z')).toMatch(/2024/);
    expect(formatDate('garbage')).toBe('garbage');
    expect(formatDate(undefined)).toBe('');
    expect(humanize('pending_review')).toBe('Pending review');
    expect(humanize(null)).toBe('');
  });

  it('only allows same-site redirects', () => {
    expect(safeNext('/checkout')).toBe('/checkout');
    expect(safeNext('//evil.example')).toBe('/account');
    expect(safeNext('https://evil.example')).toBe('/account');
    expect(safeNext(null, '/')).toBe('/');
  });

  it('makes v4 UUIDs', () => {
    expect(uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('notifies store subscribers and survives bad storage', () => {
    const store = createStore(1);
    const seen: number[] = [];
    const stop = store.subscribe(() => seen.push(store.get()));
    store.set(2);
    store.set(2);
    stop();
    store.set(3);
    expect(seen).toEqual([2]);
    window.localStorage.setItem('bad', '{not json');
    expect(storage.read('bad')).toBeNull();
    storage.write('k', { a: 1 });
    expect(storage.read('k')).toEqual({ a: 1 });
    storage.write('k', null);
    expect(window.localStorage.getItem('k')).toBeNull();
  });
});

describe('addMoney', () => {
  it('adds decimal strings without floating-point drift', () => {
    expect(addMoney('0.10', '0.20')).toBe('0.30');
    expect(addMoney('229.69', '4.90')).toBe('234.59');
    expect(addMoney('19.99')).toBe('19.99');
  });
});

describe('productCount', () => {
  it('says how many products, and says so when the API only estimates it', () => {
    expect(productCount(1)).toBe('1 product');
    expect(productCount(60, false)).toBe('60 products');
    expect(productCount(12000, true)).toBe('About 12,000 products');
  });
});
