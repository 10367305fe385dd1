/** The route table. Every page is its own chunk (route-level code splitting); the shell is not. */
import { createBrowserRouter } from "react-router";
import { AppLayout } from "../components/layout";
import { NotFound, PageLoader, RouteError } from "../components/states";

export const router = createBrowserRouter([
  {
    element: <AppLayout />,
    errorElement: <RouteError />,
    hydrateFallbackElement: <PageLoader />,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { index: true, lazy: async () => ({ Component: (await import("./home/index/page")).HomePage }) },
          {
            path: "artworks",
            lazy: async () => ({ Component: (await import("./catalog/browse/page")).BrowsePage }),
          },
          {
            path: "artworks/:id",
            lazy: async () => ({ Component: (await import("./catalog/artwork/page")).ArtworkPage }),
          },
          {
            path: "artists/:id",
            lazy: async () => ({ Component: (await import("./catalog/artist/page")).ArtistPage }),
          },
          { path: "login", lazy: async () => ({ Component: (await import("./auth/login/page")).LoginPage }) },
          {
            path: "register",
            lazy: async () => ({ Component: (await import("./auth/register/page")).RegisterPage }),
          },
          {
            path: "forgot-password",
            lazy: async () => ({
              Component: (await import("./auth/forgot-password/page")).ForgotPasswordPage,
            }),
          },
          {
            path: "reset-password",
            lazy: async () => ({ Component: (await import("./auth/reset-password/page")).ResetPasswordPage }),
          },
          { path: "me", lazy: async () => ({ Component: (await import("./account/my-page/page")).MyPage }) },
          {
            path: "me/invoices/:id/receipt",
            lazy: async () => ({ Component: (await import("./account/receipt/page")).ReceiptPage }),
          },
          {
            path: "admin",
            lazy: async () => ({ Component: (await import("./admin/layout/page")).AdminLayout }),
            children: [
              {
                index: true,
                lazy: async () => ({
                  Component: (await import("./admin/dashboard/page")).AdminDashboardPage,
                }),
              },
              {
                path: "artists",
                lazy: async () => ({ Component: (await import("./admin/artists/page")).AdminArtistsPage }),
              },
              {
                path: "artworks",
                lazy: async () => ({ Component: (await import("./admin/artworks/page")).AdminArtworksPage }),
              },
              {
                path: "artworks/:id",
                lazy: async () => ({ Component: (await import("./admin/artwork/page")).AdminArtworkPage }),
              },
              {
                path: "lots",
                lazy: async () => ({ Component: (await import("./admin/lots/page")).AdminLotsPage }),
              },
              {
                path: "lots/:lotId",
                lazy: async () => ({ Component: (await import("./admin/lot/page")).AdminLotPage }),
              },
              {
                path: "payments",
                lazy: async () => ({ Component: (await import("./admin/payments/page")).AdminPaymentsPage }),
              },
              {
                path: "payments/:id",
                lazy: async () => ({ Component: (await import("./admin/invoice/page")).AdminInvoicePage }),
              },
              {
                path: "bids",
                lazy: async () => ({ Component: (await import("./admin/bids/page")).AdminBidsPage }),
              },
              {
                path: "users",
                lazy: async () => ({ Component: (await import("./admin/users/page")).AdminUsersPage }),
              },
            ],
          },
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
]);
