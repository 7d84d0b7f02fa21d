// The Node reference tus server (@tus/server) for Carnet's client interoperability tests.
// Configured by one JSON argument: {"store": "file"|"s3", "dir": ..., "s3": {...},
// "token": ..., "relativeLocation": bool, "cert": ..., "key": ..., "maxSize": ...}. Listens on 127.0.0.1 only, on a
// free port, and prints {"port": N} on its first line of output once it is listening.
// Downloads (GET) are blocked, as an organisation running it for Carnet should do.
import http from "node:http";
import https from "node:https";
import fs from "node:fs";
import { Server } from "@tus/server";
import { FileStore } from "@tus/file-store";
import { S3Store } from "@tus/s3-store";

const config = JSON.parse(process.argv[2] ?? "{}");

function makeStore() {
  if (config.store === "s3") {
    return new S3Store({
      partSize: 8 * 1024 * 1024,
      s3ClientConfig: {
        bucket: config.s3.bucket,
        region: "us-east-1",
        endpoint: config.s3.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      },
    });
  }
  return new FileStore({ directory: config.dir });
}

const tus = new Server({
  path: "/files",
  datastore: makeStore(),
  maxSize: config.maxSize,
  // Behind TLS the server does not know its scheme and would hand out http:// upload
  // URLs (Carnet refuses the downgrade): relative ones keep the client's https://.
  relativeLocation: Boolean(config.relativeLocation),
  async onIncomingRequest(req) {
    if (req.method === "GET") {
      throw { status_code: 405, body: "no downloads" };
    }
    if (config.token && req.headers.get("authorization") !== `Bearer ${config.token}`) {
      throw { status_code: 401, body: "Unauthorized" };
    }
  },
});

const handler = (req, res) => tus.handle(req, res);
const server = config.cert
  ? https.createServer({ cert: fs.readFileSync(config.cert), key: fs.readFileSync(config.key) }, handler)
  : http.createServer(handler);
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
