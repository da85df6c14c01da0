  // Trusted Types (a CSP with require-trusted-types-for 'script'): a Worker's URL must then be
  // a TrustedScriptURL. The page side makes it with its own policy, named "hizi-bridge" (the
  // page's CSP lists it: trusted-types hizi-bridge), which passes same-origin URLs only (the
  // worker must be same-origin anyway). Without Trusted Types, or when the page's CSP does
  // not allow the policy, the plain URL goes (and a required policy then fails the start
  // with a message naming the directive).
  const TRUSTED_TYPES_POLICY = "hizi-bridge";
  let trustedTypesPolicy;
  function trustedWorkerUrl(url) {
    const tt = globalThis.trustedTypes;
    if (!tt || typeof tt.createPolicy !== "function") return url;
    if (trustedTypesPolicy === undefined) {
      try {
        trustedTypesPolicy = tt.createPolicy(TRUSTED_TYPES_POLICY, {
          createScriptURL(href) {
            if (new URL(href, location.href).origin !== location.origin) {
              throw new TypeError(`hizi-bridge: ${href} is not on this page's origin`);
            }
            return href;
          },
        });
      } catch {
        trustedTypesPolicy = null; // not allowed by the page's trusted-types directive
      }
    }
    return trustedTypesPolicy ? trustedTypesPolicy.createScriptURL(url.href) : url;
  }
