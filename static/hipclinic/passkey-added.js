// Once django-otp-webauthn's script has saved a new passkey, go where its button says:
// the page that shows a first device's recovery codes, or on to where the user was going.
document.addEventListener("otp_webauthn.register_complete", (event) => {
  window.location.assign(event.target.dataset.then);
});
