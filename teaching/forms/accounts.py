"""Forms for getting an account: a student joining with a class code, a teacher with an invitation."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from teaching.classes import normalise_display_name, normalise_join_code
from teaching.models import User


class JoinCodeForm(forms.Form):
    """The class code alone: what a student who already has an account types."""

    code = forms.CharField(
        label=_("Class code"),
        max_length=24,
        error_messages={"required": _("Type the class code your teacher gave you.")},
        help_text=_("Ten letters and numbers, from your teacher. Capitals or not, with or without the dash."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )

    def clean_code(self):
        return normalise_join_code(self.cleaned_data["code"])


class StudentSignupForm(JoinCodeForm):
    """A new student: the class code, a display name and a password; nothing else about them."""

    display_name = forms.CharField(
        label=_("Your name in Lens"),
        max_length=40,
        error_messages={"required": _("Type a name your teacher will recognise.")},
        help_text=_(
            "What your teacher will see, for example “Sam K”. It does not have to be your full name."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        error_messages={"required": _("Choose a password.")},
        help_text=_(
            "At least 8 characters, not only numbers, and not an everyday password like “password1”."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        error_messages={"required": _("Type your password a second time, to be sure it has no typo.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_display_name(self):
        name = normalise_display_name(self.cleaned_data["display_name"])
        if not name:
            raise forms.ValidationError(_("Type a name your teacher will recognise."))
        return name

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are different. Type the same one twice."))
        elif password1:
            # Checked against the name too, so "Sam K" cannot choose "samk1234".
            probe = User(display_name=cleaned.get("display_name", ""), role=User.Role.STUDENT)
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class TeacherSignupForm(UserCreationForm):
    """A teacher's account from an invitation: username, the name students see, and a password."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "display_name"]
        labels = {"display_name": _("Name your students see")}
        help_texts = {"display_name": _("For example “Ms Rivera”.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
