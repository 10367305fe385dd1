import type { MyBidState } from "@arte/contracts/history.js";
import { Badge, Container, Grid, Tabs, Title, VisuallyHidden } from "@mantine/core";
import { useLocation, useSearchParams } from "react-router";
import { useUnreadCount } from "../../../hooks/api/notification";
import { useI18n } from "../../../i18n";
import { RequireAuth, useAuth } from "../../../lib/auth";
import { BankAccountCard } from "./components/bank-account-card";
import { MyBidsSection } from "./components/my-bids-section";
import { NotificationsSection } from "./components/notifications-section";
import { ProfileCard } from "./components/profile-card";
import { PurchasesSection } from "./components/purchases-section";
import { WatchlistSection } from "./components/watchlist-section";
import { parseBidState } from "./lib/my-bids";
import { badgeCount } from "./lib/notifications";
import { MY_PAGE_TABS, type MyPageTab, parseTab } from "./lib/tabs";

function MyPageTabs() {
  const { t } = useI18n();
  const { user } = useAuth();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const tab = parseTab(params.get("tab"), location.hash);
  const bidState = parseBidState(params.get("state"));
  const unread = badgeCount(useUnreadCount(Boolean(user)).data?.count);

  // The tab (and the bids filter) live in the URL, so each can be linked to and survives a reload.
  const go = (next: MyPageTab, state?: MyBidState) => {
    const p = new URLSearchParams();
    if (next !== "account") p.set("tab", next);
    if (next === "bids" && state) p.set("state", state);
    setParams(p, { preventScrollReset: true });
  };

  return (
    <Tabs
      value={tab}
      onChange={(v) => go(parseTab(v))}
      keepMounted={false}
      variant="outline"
      radius={0}
      aria-label={t("account.tabs.label")}
    >
      <Tabs.List mb="xl" style={{ flexWrap: "wrap" }}>
        {MY_PAGE_TABS.map((name) => (
          <Tabs.Tab
            key={name}
            value={name}
            rightSection={
              name === "notifications" && unread ? (
                <Badge size="xs" color="red.9" radius="xl" aria-hidden="true">
                  {unread}
                </Badge>
              ) : undefined
            }
          >
            {t(`account.tab.${name}`)}
            {/* the count in words, after the visible name (an aria-label would hide the visible words) */}
            {name === "notifications" && unread && (
              <VisuallyHidden> {t("account.bell.unread", { n: unread })}</VisuallyHidden>
            )}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      <Tabs.Panel value="account">
        <Grid gap="xl">
          <Grid.Col span={{ base: 12, md: 5 }}>
            <ProfileCard />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 7 }}>
            <BankAccountCard />
          </Grid.Col>
        </Grid>
      </Tabs.Panel>
      <Tabs.Panel value="bids">
        <MyBidsSection state={bidState} onStateChange={(s) => go("bids", s)} />
      </Tabs.Panel>
      <Tabs.Panel value="purchases">
        <PurchasesSection />
      </Tabs.Panel>
      <Tabs.Panel value="watchlist">
        <WatchlistSection />
      </Tabs.Panel>
      <Tabs.Panel value="notifications">
        <NotificationsSection />
      </Tabs.Panel>
    </Tabs>
  );
}

export function MyPage() {
  const { t } = useI18n();
  return (
    <RequireAuth>
      <Container size="xl" py="xl">
        <Title order={1} mb="xl">
          {t("me.title")}
        </Title>
        <MyPageTabs />
      </Container>
    </RequireAuth>
  );
}
