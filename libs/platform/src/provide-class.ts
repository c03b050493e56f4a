import type { FactoryProvider } from '@nestjs/common';

/** A token for each constructor parameter: its class (checked against the parameter), or a symbol or string token. */
type Tokens<A extends unknown[]> = {
  [K in keyof A]: (abstract new (...args: never[]) => A[K]) | symbol | string;
};

/**
 * A provider of a plain class (the domain libs' services carry no Nest decorator), built from the
 * given tokens in its constructor's order.
 */
export function provideClass<T, A extends unknown[]>(
  type: new (...args: A) => T,
  inject: Tokens<A>,
): FactoryProvider<T> {
  return { provide: type, inject: [...inject], useFactory: (...args: unknown[]) => new type(...(args as A)) };
}
