// The sign-in-again page (hipclinic/unsaved_work.py): once the passkey has passed the
// second step (django-otp-webauthn's event), send the page's form with the kept changes.
document.addEventListener("otp_webauthn.verification_complete", (event) => {
  document.getElementById(event.target.dataset.sendForm).submit();
});
