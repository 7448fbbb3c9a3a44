import type { InjectionToken, Provider, Type } from '@nestjs/common';

/** What Nest injects into a class's constructor: its parameter types, with `@Inject(token)` overriding them. */
export function constructorTokens(type: Type): InjectionToken[] {
  const tokens: InjectionToken[] = [...((Reflect.getMetadata('design:paramtypes', type) as InjectionToken[] | undefined) ?? [])];
  for (const { index, param } of (Reflect.getMetadata('self:paramtypes', type) as { index: number; param: InjectionToken }[] | undefined) ??
    [])
    tokens[index] = param;
  return tokens;
}

/** A provider of null for every constructor dependency of `types`, each once: enough to build them where they never run. */
export function absentDependencies(types: readonly Type[]): Provider[] {
  const absent = new Map<InjectionToken, Provider>();
  for (const type of types) for (const token of constructorTokens(type)) absent.set(token, { provide: token, useValue: null });
  return [...absent.values()];
}
