import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';

export interface ClientSummaryRow {
  id: string;
  name: string;
  slug: string;
  status: string;
}

/** The few client fields auth answers carry (never database credentials). */
@Injectable()
export class ClientSummaryRepository {
  constructor(private readonly main: MainPrismaService) {}

  find(id: string): Promise<ClientSummaryRow | null> {
    return this.main.client.findUnique({ where: { id }, select: { id: true, name: true, slug: true, status: true } });
  }
}
