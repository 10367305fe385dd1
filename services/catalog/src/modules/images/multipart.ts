import { CatalogErrors } from "@arte/contracts/catalog.js";
import { AppError, failWith } from "@arte/platform";
import type { FastifyRequest } from "fastify";
import { isAcceptableFileName } from "./image.domain.js";

const fail = failWith(CatalogErrors);

/**
 * Reads the files of a multipart request into memory, within limits: at most `maxFiles` files of at
 * most `maxBytes` each. Other form fields are ignored. Multipart's own limit errors become our codes.
 */
export async function readFiles(
  req: FastifyRequest,
  opts: { maxFiles: number; maxBytes: number },
): Promise<Buffer[]> {
  if (!req.isMultipart()) throw fail("NO_FILES", "Send the images as multipart/form-data");
  const files: Buffer[] = [];
  try {
    for await (const part of req.parts({
      // Keep the client's name as sent (busboy would cut it to its base name): a path is refused below.
      preservePath: true,
      limits: {
        fileSize: opts.maxBytes,
        files: opts.maxFiles,
        fields: 10,
        fieldSize: 1024,
        parts: opts.maxFiles + 10,
      },
    })) {
      if (part.type !== "file") continue;
      if (!isAcceptableFileName(part.filename)) {
        part.file.resume();
        throw fail("INVALID_FILE_NAME", "A file name may not contain paths or control characters");
      }
      const buf = await part.toBuffer();
      files.push(buf);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    if (code === "FST_REQ_FILE_TOO_LARGE")
      throw fail("IMAGE_TOO_LARGE", `An image may be at most ${opts.maxBytes} bytes`);
    if (code === "FST_FILES_LIMIT")
      throw fail("TOO_MANY_IMAGES", `At most ${opts.maxFiles} images per request`);
    if (code === "FST_PARTS_LIMIT" || code === "FST_FIELDS_LIMIT")
      throw new AppError("VALIDATION_FAILED", 400, "Too many form fields");
    if (code === "FST_INVALID_MULTIPART_CONTENT_TYPE" || code === "FST_NO_FORM_DATA")
      throw fail("NO_FILES", "Send the images as multipart/form-data");
    throw new AppError("VALIDATION_FAILED", 400, "The multipart body is malformed");
  }
  return files;
}
