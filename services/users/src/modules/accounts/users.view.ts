import type { users } from "@arte/contracts";
import type { z } from "zod";
import type { UserRow } from "./users.repository.js";

type Me = z.infer<typeof users.Me>;
type AdminUser = z.infer<typeof users.AdminUser>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** What a user sees of themselves: never the password hash. */
export function toMe(u: UserRow): Me {
  return {
    id: u.id,
    email: u.email,
    username: u.username,
    birth: u.birth,
    gender: u.gender,
    phoneNumber: u.phone,
    postcode: u.postcode,
    address: u.address,
    addressDetail: u.address_detail,
    locale: u.locale,
    role: u.role,
    status: u.status,
    emailVerified: u.email_verified,
    createdAt: u.created_at.toISOString(),
    updatedAt: u.updated_at.toISOString(),
  };
}

export function toAdminUser(u: UserRow): AdminUser {
  return {
    ...toMe(u),
    suspendedAt: iso(u.suspended_at),
    suspendedReason: u.suspended_reason,
    lastLoginAt: iso(u.last_login_at),
  };
}
