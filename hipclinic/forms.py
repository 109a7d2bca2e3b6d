"""The staff login form."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's login form, with the username's length really checked.

    AuthenticationForm sets the username field's max_length after the field is made,
    so no length validator runs: a username of thousands of characters went on to
    authentication and into django-axes' failure log, whose column is 255 characters
    (a server error on PostgreSQL). Past the account model's limit it is a form error.
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
