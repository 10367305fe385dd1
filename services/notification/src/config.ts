import { BaseEnv, loadConfig } from "@arte/platform";
import { z } from "zod";

const httpUrl = z
  .string()
  .url()
  .refine((s) => /^https?:\/\//.test(s), "an http(s) URL")
  .transform((s) => s.replace(/\/+$/, ""));

export const NotificationEnv = BaseEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4005),
  /** The email templates' directory (default: src/templates next to the code; the launcher sets it). */
  TEMPLATE_DIR: z.string().min(1).optional(),
  /** smtp://host:port (STARTTLS when offered) or smtps://user:pass@host:465 (implicit TLS). */
  SMTP_URL: z
    .string()
    .refine((s) => /^smtps?:\/\/[^/]+/.test(s), "smtp://host:port or smtps://user:pass@host:465")
    .default("smtp://127.0.0.1:1025"),
  /** The From header of every email, e.g. `Arte Moderni <no-reply@arte-moderni.local>`. */
  MAIL_FROM: z.string().min(3).default("Arte Moderni <no-reply@arte-moderni.local>"),
  /** Where links in emails point (the web app); no trailing slash. */
  PUBLIC_URL: httpUrl.default("http://localhost:8080"),
  /** At most one outbid email per (user, lot) within this many seconds. */
  OUTBID_EMAIL_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
  /** "Starting soon" emails go to watchers this many minutes before a lot starts. */
  REMINDER_LEAD_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  /** How often the reminder job looks for due reminders (ms). */
  REMINDER_TICK_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
});
export type NotificationConfig = z.infer<typeof NotificationEnv>;

export const loadNotificationConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(NotificationEnv, env);

/** The migration CLI needs only the database (no JWKS, no SMTP). */
export const MigrateEnv = BaseEnv.pick({ DATABASE_URL: true });
export const loadMigrateConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(MigrateEnv, env);
