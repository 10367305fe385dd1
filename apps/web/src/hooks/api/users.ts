/** My profile, my bank account, and the admin's user list, with their query-key factory. */
import type * as users from "@arte/contracts/users.js";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { ApiError, api, newIdempotencyKey } from "../../lib/api-client";
import type { Response } from "../../lib/operations";

export type Me = Response<"users", "getMe">;
export type MyBankAccount = Response<"users", "getMyBankAccount">;
export type AdminUser = Response<"users", "adminListUsers">["items"][number];
export type AdminUserFilters = { q?: string; status?: z.infer<typeof users.UserStatus> };

export const userKeys = {
  all: ["users"] as const,
  me: () => [...userKeys.all, "me"] as const,
  bankAccount: () => [...userKeys.all, "me", "bank-account"] as const,
  adminUsers: (f: AdminUserFilters) => [...userKeys.all, "admin", "list", f] as const,
};

export const useMe = () =>
  useQuery({ queryKey: userKeys.me(), queryFn: ({ signal }) => api("users", "getMe", { signal }) });

export function useUpdateMe() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof users.UpdateMeBody>) => api("users", "updateMe", { body }),
    onSuccess: (me) => qc.setQueryData(userKeys.me(), me),
  });
}

/** My linked account, or null when none is linked (404 NO_LINKED_ACCOUNT). */
export const useBankAccount = () =>
  useQuery({
    queryKey: userKeys.bankAccount(),
    queryFn: async ({ signal }) => {
      try {
        return await api("users", "getMyBankAccount", { signal });
      } catch (err) {
        if (err instanceof ApiError && err.code === "NO_LINKED_ACCOUNT") return null;
        throw err;
      }
    },
  });

function useBankMutation<V>(fn: (v: V) => Promise<MyBankAccount | null | undefined>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (acc) => qc.setQueryData(userKeys.bankAccount(), acc ?? null),
  });
}

export const useLinkBankAccount = () =>
  useBankMutation((body: { accountNumber: string; pin: string }) =>
    api("users", "linkBankAccount", { body }),
  );

/** Opens a funded demo account; one Idempotency-Key per intent (kept across a retry of the same click). */
export const useOpenDemoAccount = () =>
  useBankMutation((v: { pin: string; key: string }) =>
    api("users", "openDemoBankAccount", { body: { pin: v.pin }, headers: { "idempotency-key": v.key } }),
  );

export const useTopUp = () =>
  useBankMutation((amount: number) =>
    api("users", "topUpBankAccount", {
      body: { amount },
      headers: { "idempotency-key": newIdempotencyKey() },
    }),
  );

export const useUnlinkBankAccount = () =>
  useBankMutation(async () => {
    await api("users", "unlinkBankAccount");
    return null;
  });

export const useAdminUsers = (f: AdminUserFilters) =>
  useInfiniteQuery({
    queryKey: userKeys.adminUsers(f),
    queryFn: ({ pageParam, signal }) =>
      api("users", "adminListUsers", { query: { ...f, limit: 25, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export function useSuspendUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; suspend: true; reason: string } | { id: string; suspend: false }) =>
      v.suspend
        ? api("users", "adminSuspendUser", { params: { id: v.id }, body: { reason: v.reason } })
        : api("users", "adminUnsuspendUser", { params: { id: v.id } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: [...userKeys.all, "admin"] }),
  });
}
