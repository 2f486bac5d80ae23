/** IPv4 CIDR arithmetic for carving a VPC into subnets. */

function toNumber(address: string): number {
  return address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

function toAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** The index-th block of `newBits` more prefix bits inside `cidr`, like Terraform's cidrsubnet(). */
export function subnetCidr(cidr: string, newBits: number, index: number): string {
  const [address = "", prefixText = ""] = cidr.split("/");
  const prefix = Number(prefixText);
  const size = prefix + newBits;
  if (size > 32 || index < 0 || index >= 2 ** newBits) throw new Error(`${cidr} has no subnet ${index} of /${size}`);
  const base = toNumber(address) - (toNumber(address) % 2 ** (32 - prefix));
  return `${toAddress(base + index * 2 ** (32 - size))}/${size}`;
}

/** Why an IPv4 CIDR block names an address inside the block rather than the block itself, or undefined. */
export function hostBitsProblem(cidr: string): string | undefined {
  const [address = "", prefixText = ""] = cidr.split("/");
  if (!address.includes(".")) return undefined;
  const prefix = Number(prefixText);
  const value = toNumber(address);
  const base = value - (value % 2 ** (32 - prefix));
  return base === value ? undefined : `has host bits set: the block is ${toAddress(base)}/${prefix}`;
}
