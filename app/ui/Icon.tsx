import { useRouteLoaderData } from '@remix-run/react';

// Icons come from the kit's sprite, served by us under a versioned path.
export function useKitBase(): string {
  const data = useRouteLoaderData('root') as { kitVersion?: string } | undefined;
  return `/vendor/bootstrap-italia/${data?.kitVersion ?? 'current'}`;
}

export function Icon({ name, className, title }: { name: string; className?: string; title?: string }) {
  const base = useKitBase();
  return (
    <svg className={`icon${className ? ` ${className}` : ''}`} aria-hidden={title ? undefined : true} role={title ? 'img' : undefined} focusable="false">
      {title ? <title>{title}</title> : null}
      <use href={`${base}/svg/sprites.svg#${name}`} />
    </svg>
  );
}
