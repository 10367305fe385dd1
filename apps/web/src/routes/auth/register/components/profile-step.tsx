import { SignUpBody } from "@arte/contracts/users.js";
import {
  Alert,
  Button,
  Group,
  NativeSelect,
  PasswordInput,
  Radio,
  SimpleGrid,
  Stack,
  TextInput,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useI18n } from "../../../../i18n";
import { ApiError, api } from "../../../../lib/api-client";
import { blankToUndefined, fieldErrors } from "../../../../lib/forms";

type Values = {
  password: string;
  passwordConfirm: string;
  username: string;
  birth: string;
  gender: string;
  phoneNumber: string;
  postcode: string;
  address: string;
  addressDetail: string;
  locale: "ko" | "en";
};

/** Step 2: every sign-up field, validated by the contract's SignUpBody before it is sent. */
export function ProfileStep({
  email,
  verificationToken,
  onDone,
  onRestart,
}: {
  email: string;
  verificationToken: string;
  onDone: () => void;
  onRestart: () => void;
}) {
  const { t, te, locale } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const toBody = (v: Values) => ({
    email,
    verificationToken,
    password: v.password,
    username: v.username,
    birth: v.birth,
    gender: v.gender,
    phoneNumber: v.phoneNumber,
    postcode: v.postcode,
    address: v.address,
    addressDetail: blankToUndefined(v.addressDetail),
    locale: v.locale,
  });
  const form = useForm<Values>({
    mode: "controlled",
    initialValues: {
      password: "",
      passwordConfirm: "",
      username: "",
      birth: "",
      gender: "",
      phoneNumber: "",
      postcode: "",
      address: "",
      addressDetail: "",
      locale,
    },
    validate: (v) => {
      const errs = fieldErrors(SignUpBody, toBody(v), t);
      if (v.passwordConfirm !== v.password) errs.passwordConfirm = t("hint.passwordConfirm");
      return errs;
    },
  });

  const submit = form.onSubmit(async (v) => {
    setError(null);
    try {
      await api("users", "signUp", { body: SignUpBody.parse(toBody(v)) });
      onDone();
    } catch (err) {
      if (err instanceof ApiError)
        for (const fe of err.fieldErrors) {
          const field = fe.path.replace(/^\/?(body\.)?/, "").split(/[./]/)[0]!;
          if (field in v) form.setFieldError(field, fe.message);
        }
      setError(err);
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput label={t("field.email")} value={email} readOnly disabled />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <PasswordInput
            label={t("field.password")}
            description={t("hint.password")}
            autoComplete="new-password"
            required
            {...form.getInputProps("password")}
          />
          <PasswordInput
            label={t("field.passwordConfirm")}
            autoComplete="new-password"
            required
            {...form.getInputProps("passwordConfirm")}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t("field.username")}
            autoComplete="name"
            required
            {...form.getInputProps("username")}
          />
          <TextInput
            label={t("field.birth")}
            type="date"
            autoComplete="bday"
            required
            {...form.getInputProps("birth")}
          />
        </SimpleGrid>
        <Radio.Group label={t("field.gender")} required {...form.getInputProps("gender")}>
          <Group mt="xs">
            <Radio value="녀" label={t("gender.녀")} />
            <Radio value="남" label={t("gender.남")} />
            <Radio value="X" label={t("gender.X")} />
          </Group>
        </Radio.Group>
        <TextInput
          label={t("field.phoneNumber")}
          type="tel"
          autoComplete="tel"
          placeholder="010-1234-5678"
          required
          {...form.getInputProps("phoneNumber")}
        />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            label={t("field.postcode")}
            inputMode="numeric"
            autoComplete="postal-code"
            required
            {...form.getInputProps("postcode")}
          />
          <TextInput
            label={t("field.address")}
            autoComplete="address-line1"
            required
            style={{ gridColumn: "span 2" }}
            {...form.getInputProps("address")}
          />
        </SimpleGrid>
        <TextInput
          label={t("field.addressDetail")}
          autoComplete="address-line2"
          {...form.getInputProps("addressDetail")}
        />
        <NativeSelect
          label={t("field.locale")}
          data={[
            { value: "ko", label: t("locale.ko") },
            { value: "en", label: t("locale.en") },
          ]}
          {...form.getInputProps("locale")}
        />
        {error !== null && (
          <Alert color="red" role="alert">
            {te(error)}
            {error instanceof ApiError && error.code === "VERIFICATION_INVALID" && (
              <Button variant="subtle" size="compact-sm" onClick={onRestart} ml="xs">
                {t("register.step.email")}
              </Button>
            )}
          </Alert>
        )}
        <Button type="submit" size="md" loading={form.submitting}>
          {t("register.submit")}
        </Button>
      </Stack>
    </form>
  );
}
