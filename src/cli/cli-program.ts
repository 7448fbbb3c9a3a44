import { Injectable } from '@nestjs/common';
import type { Command } from 'commander';
import { InjectCommander } from 'nest-commander';

/**
 * The CLI's commander program, through nest-commander's public injection
 * token: the entry point makes every command throw instead of exiting the
 * process on a parse error, and adds the program's name and help text.
 */
@Injectable()
export class CliProgram {
  constructor(@InjectCommander() readonly commander: Command) {}
}
