import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { rotateSecretBody, SecretService, type SecretView } from '@gateway/control';
import { TenantParam } from './caller';
import { found } from './problems';
import { parseWith } from '@gateway/platform';

@Controller('v1/endpoints/:id/secret')
export class SecretsController {
  constructor(private readonly secrets: SecretService) {}

  @Get()
  async current(@Param('id') id: string, @TenantParam() tenant?: string): Promise<SecretView> {
    return found(await this.secrets.current(id, tenant), 'endpoint', id);
  }

  /** The body is optional: no body rotates to a generated secret with the default overlap. */
  @Post('rotate')
  @HttpCode(200)
  async rotate(
    @Param('id') id: string,
    @Body() body: unknown,
    @TenantParam() tenant?: string,
  ): Promise<SecretView> {
    return found(
      await this.secrets.rotate(id, parseWith(rotateSecretBody, body ?? {}), tenant),
      'endpoint',
      id,
    );
  }
}
