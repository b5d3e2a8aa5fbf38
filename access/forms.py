from allauth.account.forms import SignupForm


class InvitationSignupForm(SignupForm):
    pass
