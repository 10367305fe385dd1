import { Anchor, Container, Stepper, Text, Title } from "@mantine/core";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { useI18n } from "../../../i18n";
import { EmailStep } from "./components/email-step";
import { ProfileStep } from "./components/profile-step";

export function RegisterPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [verified, setVerified] = useState<{ email: string; token: string } | null>(null);
  return (
    <Container size={640} py={64}>
      <Title order={1} mb="xl">
        {t("register.title")}
      </Title>
      <Stepper active={verified ? 1 : 0} size="sm" mb="xl" allowNextStepsSelect={false}>
        <Stepper.Step label={t("register.step.email")}>
          <EmailStep onVerified={(email, token) => setVerified({ email, token })} />
        </Stepper.Step>
        <Stepper.Step label={t("register.step.profile")}>
          {verified && (
            <>
              <Text mb="md" role="status" fw={500}>
                {t("register.verified", { email: verified.email })}
              </Text>
              <ProfileStep
                email={verified.email}
                verificationToken={verified.token}
                onRestart={() => setVerified(null)}
                onDone={() =>
                  navigate(`/login?registered=1&email=${encodeURIComponent(verified.email)}`, {
                    replace: true,
                  })
                }
              />
            </>
          )}
        </Stepper.Step>
      </Stepper>
      <Text size="sm">
        {t("register.haveAccount")}{" "}
        <Anchor component={Link} to="/login">
          {t("nav.login")}
        </Anchor>
      </Text>
    </Container>
  );
}
