// Direct byte reads for the decoders on the listing's hot path. Buffer's readUInt*() validate
// their argument on every call, which was most of the cost of decoding a destination (40 small
// fields) and is ten times worse under TCG emulation. Callers check bounds themselves: a read
// past the end gives undefined, which these turn into 0, never an exception.
export const u16le = (b: Buffer, p: number): number => b[p]! | (b[p + 1]! << 8);
export const u16be = (b: Buffer, p: number): number => (b[p]! << 8) | b[p + 1]!;
export const u32le = (b: Buffer, p: number): number => (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
export const u32be = (b: Buffer, p: number): number => b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
