import type { EndpointSecretsRepository, EndpointsRepository } from '@gateway/persistence';
import { generateSecret } from '@gateway/signing';
import type { RotateSecret, SecretView } from './secret.schemas';

/** Reading and rotating an endpoint's signing secret; `undefined` = no such endpoint. */
export class SecretService {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly secrets: EndpointSecretsRepository,
  ) {}

  async current(endpointId: string): Promise<SecretView | undefined> {
    const key = await this.secrets.newest(endpointId);
    return key === undefined ? undefined : { key };
  }

  /** The new secret signs at once; the previous ones keep signing for the overlap. */
  async rotate(endpointId: string, input: RotateSecret): Promise<SecretView | undefined> {
    const key = input.key ?? generateSecret();
    return (await this.endpoints.rotateSecret(endpointId, key, input.overlapSeconds)) ? { key } : undefined;
  }
}
