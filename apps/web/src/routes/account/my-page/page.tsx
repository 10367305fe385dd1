import { Container, Grid, Stack, Title } from "@mantine/core";
import { useI18n } from "../../../i18n";
import { RequireAuth } from "../../../lib/auth";
import { BankAccountCard } from "./components/bank-account-card";
import { ProfileCard } from "./components/profile-card";
import { WatchlistSection } from "./components/watchlist-section";

export function MyPage() {
  const { t } = useI18n();
  return (
    <RequireAuth>
      <Container size="xl" py="xl">
        <Title order={1} mb="xl">
          {t("me.title")}
        </Title>
        <Stack gap={48}>
          <Grid gap="xl">
            <Grid.Col span={{ base: 12, md: 5 }}>
              <ProfileCard />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 7 }}>
              <BankAccountCard />
            </Grid.Col>
          </Grid>
          <WatchlistSection />
        </Stack>
      </Container>
    </RequireAuth>
  );
}
