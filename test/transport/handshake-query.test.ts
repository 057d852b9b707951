import { parseQuery } from '../../src/transport/handshake-query';

const reference = (text: string): Record<string, string> => Object.fromEntries(new URLSearchParams(text));

describe('parseQuery', () => {
  const cases = [
    '',
    'token=t0k3n',
    'a=1&b=2',
    'a=1&a=2&b',
    'a',
    '&&a=1&&',
    '=x',
    '=',
    'a==b=c',
    'a=&b=',
    '__proto__=x',
    '__proto__=x&__proto__=y&constructor=z',
    'toString=1&hasOwnProperty=2',
    'resume=abc&offsets={"r":"1-0"}',
    'a%20b=c%2Bd',
    'a+b=c+d',
    'bad=%zz&%',
    'x=%E2%82%AC',
    'é=ü',
    'k=v;w',
    '&',
    'a=1&',
  ];
  it.each(cases)('%j reads as URLSearchParams reads it', (text) => {
    const query = parseQuery(text);
    expect(query).toEqual(reference(text));
    expect(Object.keys(query)).toEqual(Object.keys(reference(text)));
    expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
  });

  it('keeps `__proto__` an own property', () => {
    const query = parseQuery('__proto__=polluted');
    expect(Object.prototype.hasOwnProperty.call(query, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('agrees with URLSearchParams on random strings of query characters', () => {
    const alphabet = 'ab=&%+2F_é=&';
    for (let i = 0; i < 2000; i++) {
      let text = '';
      const length = (i * 7) % 13;
      for (let j = 0; j < length; j++) text += alphabet[(i * 31 + j * 17 + ((i * j) % 5)) % alphabet.length];
      expect(parseQuery(text)).toEqual(reference(text));
    }
  });
});
