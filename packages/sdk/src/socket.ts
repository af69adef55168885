// Opening a WebSocket to the gateway: the ws:// URL for an http:// base, and a promise that
// settles when the socket is open or has failed (as a GhxConnectionError).
import WebSocket from "ws";
import { GhxConnectionError } from "./errors.ts";

export function webSocketUrl(baseUrl: string, path: string): string {
  const url = new URL(path, baseUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export function openSocket(url: string, timeoutMs: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const fail = (error: Error) => {
      socket.removeAllListeners();
      socket.on("error", () => {});
      socket.terminate();
      reject(
        new GhxConnectionError(`cannot reach ${url}: ${(error as { code?: string }).code ?? error.message}`),
      );
    };
    socket.once("error", fail);
    socket.once("unexpected-response", (_request, response) =>
      fail(new Error(`HTTP ${response.statusCode} on the WebSocket upgrade`)),
    );
    socket.once("open", () => {
      socket.removeListener("error", fail);
      resolve(socket);
    });
  });
}

/** Parses one text frame; undefined when it is not JSON (a protocol violation the caller reports). */
export function parseFrame(data: WebSocket.RawData): unknown {
  try {
    return JSON.parse(data.toString());
  } catch {
    return undefined;
  }
}
