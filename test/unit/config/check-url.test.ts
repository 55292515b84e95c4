import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkEndpointUrl } from '../../../src/config/values.ts';

describe('checkEndpointUrl', () => {
  test('accepts https anywhere and http to loopback hosts only, without trailing slashes', () => {
    const accepted: [string, string][] = [
      ['https://otlp.example.com/', 'https://otlp.example.com'],
      ['https://otlp.example.com:4318/otlp//', 'https://otlp.example.com:4318/otlp'],
      ['http://localhost:4318', 'http://localhost:4318'],
      ['http://LOCALHOST:4318/', 'http://localhost:4318'],
      ['http://127.0.0.1:4318', 'http://127.0.0.1:4318'],
      ['http://127.255.0.9', 'http://127.255.0.9'],
      ['http://[::1]:8080/', 'http://[::1]:8080'],
    ];
    for (const [text, url] of accepted) assert.deepEqual(checkEndpointUrl(text), { ok: true, url }, text);
  });

  test('refuses plain http to anything else, other schemes, and what is not a URL', () => {
    for (const text of [
      'http://10.0.0.1:4318',
      'http://localhost.example.com',
      'http://128.0.0.1',
      'http://[::2]',
      'ftp://localhost',
      'localhost:4318',
      'not a url',
      '',
      'https://otlp.example.com/?a=1',
      'https://otlp.example.com/#x',
    ]) {
      assert.equal(checkEndpointUrl(text).ok, false, text);
    }
  });

  test('never repeats a password written in the URL', () => {
    for (const text of ['https://user:hunter2@otlp.example.com', 'https://user:hunter2@bad host']) {
      const checked = checkEndpointUrl(text);
      assert.equal(checked.ok, false);
      assert.ok(!checked.ok && !checked.message.includes('hunter2'), text);
    }
  });
});
