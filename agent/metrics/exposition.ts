// The text format writer lives in protocol/ (the server writes its /metrics page with it too).
export * from "@/protocol/prometheus-text.ts";
