import { Button, Center, type MantineSpacing } from "@mantine/core";
import type { ReactNode } from "react";
import { useI18n } from "../i18n";
import { EmptyState, ErrorState, PageLoader } from "./states";

/** What a list view reads from its query. */
export interface ListQuery {
  isPending: boolean;
  isError: boolean;
  isSuccess: boolean;
  error: unknown;
  refetch: () => unknown;
}

/** An infinite query's paging, behind "load more". */
export interface PagedQuery {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

/** The pages an infinite query has fetched. */
export interface Pages<T> {
  pages: readonly { items: readonly T[] }[];
}

/** The items of every page fetched so far, in order. */
export const pagedItems = <T,>(data: Pages<T> | undefined): readonly T[] =>
  data?.pages.flatMap((p) => p.items) ?? [];

/** "Load more" under a paged list, while there is another page. */
export function LoadMore({ query, mt }: { query: PagedQuery; mt?: MantineSpacing }) {
  const { t } = useI18n();
  if (!query.hasNextPage) return null;
  return (
    <Center mt={mt}>
      <Button variant="default" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
        {t("common.loadMore")}
      </Button>
    </Center>
  );
}

/**
 * A list's states in order: the loader, the error with a retry, `notice` (an alert of the page's own),
 * the empty state once loaded with nothing (`empty`, or the common one), the list itself (`children`)
 * when it has items, then "load more" from `more` (`moreGap` above it).
 */
export function ListStates({
  query,
  count,
  empty,
  notice,
  more,
  moreGap,
  children,
}: {
  query: ListQuery;
  count: number;
  empty?: ReactNode;
  notice?: ReactNode;
  more?: PagedQuery;
  moreGap?: MantineSpacing;
  children: ReactNode;
}) {
  return (
    <>
      {query.isPending && <PageLoader />}
      {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
      {notice}
      {query.isSuccess && count === 0 && (empty ?? <EmptyState />)}
      {count > 0 && children}
      {more && <LoadMore query={more} mt={moreGap} />}
    </>
  );
}
