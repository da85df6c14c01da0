  // ---------------------------------------------------------------- errors
  // Every rejection and throw of the API (`code` says why; `field` names the refused value).
  class HiziBridgeError extends Error {
    constructor(info) {
      super(info.message || info.code || "hizi-bridge error");
      this.name = "HiziBridgeError";
      this.code = info.code || "error";
      if (info.field) this.field = info.field;
    }
  }
