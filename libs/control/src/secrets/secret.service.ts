import type { EndpointSecretsRepository, EndpointsRepository } from '@gateway/persistence';
import { generateSecret } from '@gateway/signing';
import type { RotateSecret, SecretView } from './secret.schemas';

/**
 * Reading and rotating an endpoint's signing secret; `undefined` = no such endpoint (or, for a
 * tenant's caller, `confinedTo`, not one of its tenant's).
 */
export class SecretService {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly secrets: EndpointSecretsRepository,
  ) {}

  async current(endpointId: string, confinedTo?: string): Promise<SecretView | undefined> {
    if (!(await this.owns(endpointId, confinedTo))) return undefined;
    const key = await this.secrets.newest(endpointId);
    return key === undefined ? undefined : { key };
  }

  /** The new secret signs at once; the previous ones keep signing for the overlap. */
  async rotate(
    endpointId: string,
    input: RotateSecret,
    confinedTo?: string,
  ): Promise<SecretView | undefined> {
    if (!(await this.owns(endpointId, confinedTo))) return undefined;
    const key = input.key ?? generateSecret();
    return (await this.endpoints.rotateSecret(endpointId, key, input.overlapSeconds)) ? { key } : undefined;
  }

  private async owns(endpointId: string, confinedTo: string | undefined): Promise<boolean> {
    return confinedTo === undefined || (await this.endpoints.find(endpointId, confinedTo)) !== undefined;
  }
}
