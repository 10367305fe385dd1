import { createTheme, type MantineColorsTuple } from "@mantine/core";

/** Warm ink: near-black with a bronze undertone (the logo), the primary colour. */
const ink: MantineColorsTuple = [
  "#f7f4ef",
  "#ebe5dc",
  "#d6cbbb",
  "#bfae96",
  "#a99377",
  "#947b5f",
  "#7a624a",
  "#5f4c3a",
  "#3f3328",
  "#221c17",
];
/** Bronze accents. */
const bronze: MantineColorsTuple = [
  "#fbf5ea",
  "#f2e5cc",
  "#e6cd9e",
  "#d9b46d",
  "#cea046",
  "#c6922e",
  "#a5781f",
  "#84601a",
  "#644814",
  "#43300d",
];

const display = '"Cormorant Garamond", "Noto Serif KR", "Nanum Myeongjo", Georgia, serif';

export const theme = createTheme({
  primaryColor: "ink",
  primaryShade: { light: 8, dark: 2 },
  colors: { ink, bronze },
  fontFamily:
    'system-ui, -apple-system, "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans KR", "Segoe UI", Roboto, sans-serif',
  headings: {
    fontFamily: display,
    fontWeight: "600",
    sizes: {
      h1: { fontSize: "clamp(2rem, 5vw, 3.25rem)", lineHeight: "1.1" },
      h2: { fontSize: "clamp(1.6rem, 3.5vw, 2.25rem)", lineHeight: "1.15" },
      h3: { fontSize: "1.5rem", lineHeight: "1.2" },
    },
  },
  defaultRadius: 0,
  cursorType: "pointer",
  other: { displayFont: display },
  components: {
    Button: { defaultProps: { radius: 0 } },
    // links inside text must not rely on colour alone (WCAG 1.4.1)
    Anchor: { defaultProps: { underline: "always" } },
    // toasts are closable by keyboard and screen readers too
    Notification: { defaultProps: { closeButtonProps: { "aria-label": "닫기 · Close" } } },
    // so are dialogs: their close button is an icon, named here
    Modal: { defaultProps: { closeButtonProps: { "aria-label": "닫기 · Close" } } },
  },
});
