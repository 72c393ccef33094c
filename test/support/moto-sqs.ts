/** SQS through its query API on moto (no SQS SDK client in the project): create a queue, read its messages. */
export async function motoSqs(endpoint: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=testing/20261127/eu-west-3/sqs/aws4_request, SignedHeaders=host, Signature=x',
    },
    body: new URLSearchParams({ Version: '2012-11-05', ...params }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`SQS ${params.Action}: HTTP ${response.status} ${text}`);
  return text;
}

export const xmlValues = (xml: string, tag: string): string[] =>
  [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((match) => match[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
