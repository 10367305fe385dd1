/**
 * Who is signed in. The access token lives in memory only (lib/api-client); on load the refresh
 * cookie is traded for one, so a reload keeps you signed in without the token ever touching storage.
 */
import { Center, Loader } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { Navigate, useLocation } from "react-router";
import { useI18n } from "../i18n";
import {
  api,
  getSession,
  mayHaveSession,
  onSessionChange,
  refreshSession,
  type Session,
  setSession,
} from "./api-client";

export type SessionUser = Session["user"];

type Auth = {
  /** false until the first refresh answered */
  ready: boolean;
  user: SessionUser | null;
  login: (email: string, password: string) => Promise<SessionUser>;
  logout: () => Promise<void>;
};

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(getSession()?.user ?? null);
  const [ready, setReady] = useState(false);
  const queryClient = useQueryClient();

  useEffect(() => {
    const off = onSessionChange((s) => setUser(s?.user ?? null));
    if (mayHaveSession()) void refreshSession().finally(() => setReady(true));
    else setReady(true);
    return () => {
      off();
    };
  }, []);

  const login = useCallback(
    async (email: string, password: string) => {
      const s = await api("users", "login", { body: { email, password } });
      setSession(s);
      queryClient.removeQueries();
      return s.user;
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await api("users", "logout");
    } catch {
      // the session is ended locally either way
    }
    setSession(null);
    queryClient.removeQueries();
  }, [queryClient]);

  const value = useMemo(() => ({ ready, user, login, logout }), [ready, user, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth outside AuthProvider");
  return ctx;
}

/** Renders its children for signed-in users (admins only with `admin`), else sends to /login. */
export function RequireAuth({ children, admin = false }: { children: ReactNode; admin?: boolean }) {
  const { ready, user } = useAuth();
  const location = useLocation();
  const { t } = useI18n();
  if (!ready)
    return (
      <Center py="xl">
        <Loader aria-label={t("common.loading")} />
      </Center>
    );
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  if (admin && user.role !== "ADMIN") return <Navigate to="/" replace />;
  return <>{children}</>;
}
