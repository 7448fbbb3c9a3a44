import 'reflect-metadata';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { absentDependencies, constructorTokens } from './absent-dependencies.js';

@Injectable()
class Store {}

const CONFIG = Symbol('config');

@Injectable()
class Command {
  constructor(
    readonly store: Store,
    @Inject(CONFIG) readonly config: unknown,
    @Inject('named') readonly named: unknown,
    @Optional() readonly optional?: Store,
  ) {}
}

@Injectable()
class OtherCommand {
  constructor(
    readonly store: Store,
    @Inject(CONFIG) readonly config: unknown,
  ) {}
}

@Injectable()
class Bare {}

describe('constructorTokens', () => {
  it("lists a constructor's parameter types, with @Inject tokens in place of theirs", () => {
    expect(constructorTokens(Command)).toEqual([Store, CONFIG, 'named', Store]);
    expect(constructorTokens(OtherCommand)).toEqual([Store, CONFIG]);
  });

  it('lists none for a class without constructor parameters', () => {
    expect(constructorTokens(Bare)).toEqual([]);
  });
});

describe('absentDependencies', () => {
  it('provides null for every dependency, each once', () => {
    expect(absentDependencies([Command, OtherCommand, Bare])).toEqual([
      { provide: Store, useValue: null },
      { provide: CONFIG, useValue: null },
      { provide: 'named', useValue: null },
    ]);
  });

  it('lets Nest build the classes with nothing else provided', async () => {
    const module = await Test.createTestingModule({
      providers: [...absentDependencies([Command, OtherCommand]), Command, OtherCommand],
    }).compile();
    expect({ ...module.get(Command) }).toEqual({ store: null, config: null, named: null, optional: null });
    expect(module.get(OtherCommand)).toBeInstanceOf(OtherCommand);
    await module.close();
  });
});
